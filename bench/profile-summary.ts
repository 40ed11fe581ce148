/**
 * Where the CPU went in a V8 `.cpuprofile`. `byArea` charges each sample to the nearest frame on
 * its stack that belongs to a package or to our code, so a socket write or a JSON.stringify is
 * billed to whoever asked for it (pino, fastify, Nest's TCP transport, …), not to "native".
 * `topFunctions` is plain self time.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  byArea: { area: string; percent: number }[];
  topFunctions: { name: string; percent: number }[];
}

function areaOf(url: string, name: string): string {
  if (!url) return name === '(garbage collector)' ? 'garbage collection' : name === '(idle)' ? 'idle' : 'V8/native';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return 'node core';
  return /\/(apps|libs)\//.test(url) ? 'our code' : url;
}

export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const owner = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const area = areaOf(nodes.get(at)!.callFrame.url, nodes.get(at)!.callFrame.functionName);
      if (area !== 'node core' && area !== 'V8/native') return area;
    }
    return areaOf(nodes.get(id)!.callFrame.url, nodes.get(id)!.callFrame.functionName);
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    if (areaOf(url, functionName) === 'idle') continue;
    busy += us;
    const area = owner(id);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    const where = url
      ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/(apps|libs)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const name = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => ({ key, percent: Math.round((1000 * us) / busy) / 10 }));
  return {
    totalMs: Math.round(busy / 1000),
    byArea: ranked(byArea).map(({ key, percent }) => ({ area: key, percent })),
    topFunctions: ranked(byFunction).map(({ key, percent }) => ({ name: key, percent })),
  };
}
