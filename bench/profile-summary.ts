/** Self time by function (and by file) in a .cpuprofile, the top 40 of each: `npx tsx bench/profile-summary.ts <file>`. */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const profile = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const file = url.replace(/^.*node_modules\//, 'nm:').replace(/^.*\/wt-[^/]+\//, '');
  byFunction.set(
    `${functionName || '(anon)'} ${file}:${lineNumber + 1}`,
    (byFunction.get(`${functionName || '(anon)'} ${file}:${lineNumber + 1}`) ?? 0) + us,
  );
  const pkg = file.startsWith('nm:')
    ? file
        .split('/')
        .slice(0, file.startsWith('nm:@') ? 2 : 1)
        .join('/')
    : file || '(native)';
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + us);
}
const show = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 40))
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}\n`);
};
show('self time by package/file', byFile);
show('self time by function', byFunction);
