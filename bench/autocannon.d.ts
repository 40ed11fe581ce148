// autocannon ships no types; bench/load.ts uses only its callback API.
declare module 'autocannon' {
  function autocannon(
    options: Record<string, unknown>,
    done: (error: Error | null, result: { duration: number; errors: number; requests: { sent: number } }) => void,
  ): { on(event: 'response', listener: (...args: any[]) => void): void };
  export default autocannon;
}
