import autocannon from 'autocannon';

export interface Throughput { rps: number; p50: number; p99: number; errors: number }

export interface Target {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** autocannon against one URL: a short warm-up, then the measured run (at most `rate` requests a second). */
export async function measure(target: Target, seconds: number, connections: number, rate?: number): Promise<Throughput> {
  const options = { ...target, connections, ...(rate ? { overallRate: Math.max(1, Math.round(rate)) } : {}) };
  await autocannon({ ...options, duration: 2 });
  const result = await autocannon({ ...options, duration: seconds });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

export const tokenRequest = (baseUrl: string, clientId: string, secret: string): Target => ({
  url: `${baseUrl}/token`,
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
  },
  body: 'grant_type=client_credentials&scope=api',
});
