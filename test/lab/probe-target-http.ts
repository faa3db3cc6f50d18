// The HTTP side of the lab's probe targets: runs inside the internet namespace and answers on
// port 80 of every address there, delaying each response by the latency set for its source.
// Usage: node probe-target-http.ts DELAY_TABLE_FILE ACK_FILE
import { createServer } from 'node:http';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { delayTableSchema } from './lab-schema.ts';
import type { DelayTable } from './lab-schema.ts';

const [tablePath, ackPath] = process.argv.slice(2);
if (!tablePath || !ackPath) {
  console.error('usage: probe-target-http.ts DELAY_TABLE_FILE ACK_FILE');
  process.exit(2);
}

let table: DelayTable = { generation: 0, delayMsBySource: {} };
let tableMtimeMs = -1;

// Polled rather than watched: fs.watch misses renames on some filesystems, and a 10 ms stat is
// cheap and keeps `impair --latency` well inside its 100 ms budget.
function reloadTable(): void {
  try {
    const mtimeMs = statSync(tablePath as string).mtimeMs;
    if (mtimeMs === tableMtimeMs) return;
    table = delayTableSchema.parse(JSON.parse(readFileSync(tablePath as string, 'utf8')));
    tableMtimeMs = mtimeMs;
    writeFileSync(ackPath as string, String(table.generation));
  } catch {
    // A half-written or missing table keeps the previous one until the next poll.
  }
}

const server = createServer((req, res) => {
  const source = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const delayMs = table.delayMsBySource[source] ?? 0;
  const body = `switchyard lab probe target ${req.socket.localAddress ?? ''}\n`;
  const respond = (): void => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (delayMs > 0) setTimeout(respond, delayMs);
  else respond();
});
server.keepAliveTimeout = 5_000;
// The first ack doubles as "listening", which `up` waits for.
server.listen(80, '0.0.0.0', () => {
  console.log('probe-target-http listening on :80');
  reloadTable();
  setInterval(reloadTable, 10);
});
process.on('SIGTERM', () => process.exit(0));
