/**
 * The login ceiling: argon2id verifications per second one process manages with auth's own
 * PasswordHasher (so its cost and options, whatever they become), keeping more verifications in
 * flight than libuv has threads. Runs in a process of its own, with the environment auth gets.
 * argv[2]: seconds. Prints `{ verificationsPerSecond, threadpool }` as JSON.
 */
import 'reflect-metadata';
import { PasswordHasher } from '../apps/auth/src/app/credentials/password-hasher';

async function main(seconds: number): Promise<void> {
  const hasher = new PasswordHasher();
  const password = 'correct horse battery staple';
  const hash = await hasher.hash(password);
  if (!(await hasher.verify(hash, password))) throw new Error('argon2 does not verify its own hash');
  const threadpool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const start = performance.now();
  const until = start + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: threadpool * 2 }, async () => {
      while (performance.now() < until) {
        await hasher.verify(hash, password);
        done++;
      }
    }),
  );
  process.stdout.write(
    `${JSON.stringify({ verificationsPerSecond: Math.round((1000 * done) / (performance.now() - start)), threadpool })}\n`,
  );
}

main(Number(process.argv[2] ?? 5)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
