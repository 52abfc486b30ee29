// Baseline 1: a bare node:http server that reads the body and answers fixed JSON.
import { createServer } from 'node:http';

const answer = JSON.stringify({ count: 1, status: 0, statusCode: 201, response: { id: 1, title: 'fixed' } });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
