// Real output of ipmitool 1.8.19 (Debian 12), `-v -I lanplus -C 3 ... -E`,
// against OpenIPMI's ipmi_sim on 127.0.0.1 with a chassis-control script;
// stdout and stderr as the tool wrote them.

export const statusOn = "Chassis Power is on\n";
export const statusOff = "Chassis Power is off\n";
export const controlOn = "Chassis Power Control: Up/On\n";
export const controlOff = "Chassis Power Control: Down/Off\n";
export const controlReset = "Chassis Power Control: Reset\n";
export const controlCycle = "Chassis Power Control: Cycle\n";

/** stderr of every successful call with -v: the probe of vendor extensions ipmi_sim does not have. */
export const verboseNoise = `Loading IANA PEN Registry...
Running Get VSO Capabilities my_addr 0x20, transit 0, target 0x20
Invalid completion code received: Invalid command
Discovered IPMB address 0x0`;

/** Wrong password: exit status 1. */
export const wrongPasswordStderr = `Loading IANA PEN Registry...
> RAKP 2 HMAC is invalid
Error: Unable to establish IPMI v2 / RMCP+ session`;

/** A user the BMC does not know: exit status 1. */
export const unknownUserStderr = `Loading IANA PEN Registry...
RAKP 2 message indicates an error : unauthorized name
Error: Unable to establish IPMI v2 / RMCP+ session`;

/** Nothing listens at the address (-N 1 -R 1): exit status 1. */
export const unreachableStderr = `Loading IANA PEN Registry...
Get Auth Capabilities error
Error issuing Get Channel Authentication Capabilities request
Error: Unable to establish IPMI v2 / RMCP+ session`;

/** A host name that does not resolve (without -v). */
export const badHostStderr = `Address lookup for no.such.host.invalid failed
Could not open socket!
Error: Unable to establish IPMI v2 / RMCP+ session`;

/** -C 17, which ipmi_sim does not offer. */
export const cipherRefusedStderr = `Error in open session response message : invalid authentication algorithm

Error: Unable to establish IPMI v2 / RMCP+ session`;

/** Power control on a BMC without chassis control (ipmi_sim without chassis_control): exit status 1. */
export const controlRefusedStderr = "Set Chassis Power Control to Down/Off failed: Invalid data field in request";
