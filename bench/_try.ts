import { benchReceiving } from '/work/main/bench/receiving.ts';
const r = await benchReceiving('/work/main', (l) => process.stderr.write('  ' + l + '\n'), { scans: 40 });
if ('cases' in r) for (const c of r.cases) console.log(c.name, c.scansPerSec.toFixed(0), c.waits, c.activeBackends, c.db, c.cpu, c.cpuBusy);
else console.log(r);
