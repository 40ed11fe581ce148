import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { canConnect, freePort, waitFor } from './net';

const LOCAL_BINARY = join(__dirname, '../../../.tools/bin/stripe-mock');

export interface StripeMock {
  /** e.g. http://127.0.0.1:40123, for STRIPE_API_URL. */
  url: string;
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
  const child = spawn(binary, ['-http-port', String(httpPort), '-https-port', String(httpsPort)], { stdio: 'ignore' });
  const stop = () => void child.kill('SIGKILL');
  process.once('exit', stop);
  try {
    await waitFor(`stripe-mock on port ${httpPort}`, () => canConnect(httpPort), 15_000);
  } catch (error) {
    stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${httpPort}`, stop };
}
