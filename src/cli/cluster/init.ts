import { Option, type Command } from "commander";
import { CLUSTER_INIT_PATH, ClusterInfoBodySchema, ClusterInitRequestSchema, type ClusterInfoBody } from "../../api/local/contract.js";
import { addEndpointOption, endpointOf, printLines, UsageError, type EndpointOptions } from "../common.js";
import { requestJson } from "../endpoint.js";
import { callerProcess } from "../io.js";
import { checkRequest, parseInteger } from "../options.js";
import { masterNetdevText } from "./info.js";

/** Where the join token may come from instead of the command line, which shell history and ps show. */
export const JOIN_TOKEN_ENV = "ALKOR_JOIN_TOKEN";

interface InitOptions extends EndpointOptions {
  clusterIp: string;
  joinToken?: string;
  masterNetdev?: string;
  candidatePoolSize?: number;
}

const LABELS = {
  name: "NAME",
  clusterIp: "--cluster-ip",
  joinToken: "--join-token",
  masterNetdev: "--master-netdev",
  candidatePoolSize: "--candidate-pool-size",
};

const DEFAULT_POOL_SIZE = ClusterInitRequestSchema.shape.candidatePoolSize.def.defaultValue;

export function formatClusterInit(info: ClusterInfoBody): string[] {
  return [
    `Cluster ${info.name} initialised (UUID ${info.uuid}).`,
    `Master node: ${info.master}`,
    `Cluster IP: ${info.clusterIp} on ${masterNetdevText(info.masterNetdev)}`,
  ];
}

export function addClusterInitCommand(program: Command): void {
  const joinToken = new Option(
    "--join-token <token>",
    "the secret other nodes present to join; better given in the environment, which shell history and ps do not show",
  ).env(JOIN_TOKEN_ENV);
  const command = program
    .command("init")
    .description("found a new cluster with this node as its master; the other nodes join it with the token")
    .argument("<name>", "the cluster's name")
    .requiredOption("--cluster-ip <ip>", "the floating address the master holds, as IP or IP/PREFIX")
    .addOption(joinToken)
    .option("--master-netdev <dev>", "the network device for the cluster IP (default: the management address's device)")
    .option("--candidate-pool-size <n>", `how many nodes to keep as master candidates (default: ${DEFAULT_POOL_SIZE})`, parseInteger);
  addEndpointOption(command).action(async (name: string, options: InitOptions) => {
    // Commander reads the token from the environment of the process it runs in.
    callerProcess("takes the join token from its environment");
    // Checked here rather than by commander, whose message would not mention the environment.
    if (options.joinToken === undefined) throw new UsageError(`Give the join token in $${JOIN_TOKEN_ENV} or with --join-token.`);
    const request = checkRequest(
      ClusterInitRequestSchema,
      {
        name,
        clusterIp: options.clusterIp,
        joinToken: options.joinToken,
        masterNetdev: options.masterNetdev,
        candidatePoolSize: options.candidatePoolSize,
      },
      LABELS,
    );
    const info = await requestJson(endpointOf(options), "POST", CLUSTER_INIT_PATH, ClusterInfoBodySchema, request);
    printLines(formatClusterInit(info));
  });
}
