import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './net';

const LOCAL_BINARY = join(__dirname, '../../../.tools/bin/stripe-mock');

export interface StripeMock {
  /** e.g. http://127.0.0.1:40123, for STRIPE_API_URL. */
  url: string;
  /** Where it listens, both on 127.0.0.1 only. */
  ports: { http: number; https: number };
  stop(): void;
}

/**
 * Starts stripe-mock (Stripe's API simulator) on loopback ports, so Stripe calls never leave
 * the machine. It must be installed (`.ci/run` does it): a missing binary fails the test.
 */
export async function startStripeMock(): Promise<StripeMock> {
  const binary = process.env.STRIPE_MOCK_BIN ?? LOCAL_BINARY;
  if (!existsSync(binary)) {
    throw new Error(
      `stripe-mock not found at ${binary}; install it with: GOBIN=$PWD/.tools/bin go install github.com/stripe/stripe-mock@latest`,
    );
  }
  // The `-*-port` forms bind every interface, and stripe-mock always opens an HTTPS listener
  // too (on 12112 of every interface unless told where): both are pinned to loopback, on ports
  // it chooses and reports ("Listening for HTTP at address: 127.0.0.1:40123").
  const child = spawn(binary, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const stop = () => void child.kill('SIGKILL');
  process.once('exit', stop);
  const reported = (scheme: string) =>
    /127\.0\.0\.1:(\d+)/.exec(output.split(`Listening for ${scheme} at address: `)[1] ?? '');
  try {
    await waitFor('stripe-mock to listen', async () => Boolean(reported('HTTP') && reported('HTTPS')), 60_000);
  } catch (error) {
    stop();
    throw new Error(`${(error as Error).message}:\n${output}`);
  }
  const [httpPort, httpsPort] = [Number(reported('HTTP')![1]), Number(reported('HTTPS')![1])];
  return { url: `http://127.0.0.1:${httpPort}`, ports: { http: httpPort, https: httpsPort }, stop };
}
