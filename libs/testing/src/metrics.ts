import type { HttpClient } from './http-client';

/** A metric's value from a gateway's /metrics: the sum over its series whose line contains `labels`. */
export async function gatewayMetric(gateway: HttpClient, name: string, labels = ''): Promise<number> {
  const text = (await gateway.get('/metrics')).text;
  return text
    .split('\n')
    .filter((line) => line.startsWith(name) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
