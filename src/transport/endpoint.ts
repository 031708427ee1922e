/** HOST:PORT of a broker, with an IPv6 host in brackets. */
export function brokerEndpoint(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
