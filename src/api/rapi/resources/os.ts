import { osNames } from "../os-names.js";
import type { Route } from "../router.js";
import type { ResourceContext } from "./context.js";

/** /2/os (rlib2's R_2_os): the OS names an instance can be created with on any vm-capable node. */
export function osRoutes(context: ResourceContext): Route[] {
  const { backend } = context;
  return [{ path: "/2/os", methods: { GET: { access: "read", handle: async () => ({ json: osNames(await backend.instances.operatingSystems()) }) } } }];
}
