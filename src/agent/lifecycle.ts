import type { Logger } from "pino";

/** A long-lived part of the agent: started in declared order, stopped in reverse. */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  /** Releases everything start() registered. Must be safe to call after a failed start. */
  stop(): Promise<void>;
}

/**
 * Starts services one by one in the order given and stops the started ones
 * in reverse, also when a later start fails (Zigbee2MQTT's controller does the same).
 */
export class ServiceGroup {
  private readonly started: Service[] = [];

  constructor(
    private readonly services: readonly Service[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    for (const service of this.services) {
      try {
        await service.start();
      } catch (error) {
        this.log.error({ component: service.name, err: error }, `Service ${service.name} failed to start; stopping the ones already started.`);
        await this.stop();
        throw error;
      }
      this.started.push(service);
      this.log.debug({ component: service.name }, `Service ${service.name} started.`);
    }
  }

  async stop(): Promise<void> {
    while (this.started.length > 0) {
      const service = this.started.pop()!;
      try {
        await service.stop();
        this.log.debug({ component: service.name }, `Service ${service.name} stopped.`);
      } catch (error) {
        this.log.error({ component: service.name, err: error }, `Service ${service.name} failed to stop cleanly.`);
      }
    }
  }
}
