import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect, freePort, waitFor } from './net';

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
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  // The `-*-port` forms bind every interface, and stripe-mock always opens an HTTPS listener
  // too (on 12112 of every interface unless told where): both are pinned to loopback.
  const child = spawn(binary, ['-http-addr', `127.0.0.1:${httpPort}`, '-https-addr', `127.0.0.1:${httpsPort}`], {
    stdio: 'ignore',
  });
  const stop = () => void child.kill('SIGKILL');
  process.once('exit', stop);
  try {
    await waitFor(`stripe-mock on port ${httpPort}`, () => canConnect(httpPort), 15_000);
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${httpPort}`, ports: { http: httpPort, https: httpsPort }, stop };
}
