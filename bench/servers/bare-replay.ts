// Baseline 3: a bare node:http server that answers, to every request, the exact
// status, headers and body taskstub gave to one ONLYOFFICE create (made once
// at start by the real core). It does no work per request: the gap between it
// and the fixed-JSON baseline is what the answer's size and headers cost on
// their own, in the kernel and in node:http, before taskstub does anything.
import { createServer } from 'node:http';
import { createStub } from '../../dist/stub.js';
import { ONLYOFFICE_JSON } from '../workloads.js';

const stub = createStub({ seed: 1 });
const result = stub.handle({ method: 'POST', path: ONLYOFFICE_JSON.path, query: {}, headers: Object.fromEntries(Object.entries(ONLYOFFICE_JSON.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(ONLYOFFICE_JSON.body ?? '') });
if (!result || result.response.status !== 201) throw new Error('the core did not answer 201');
const { status, headers, body } = result.response;
const answerHeaders = { ...headers, 'content-length': Buffer.byteLength(body) };

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(status, answerHeaders);
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
