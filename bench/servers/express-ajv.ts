// Baseline 2: a minimal Express 5 + ajv server doing the same work as a
// create: parse JSON, validate it against the ONLYOFFICE request schema,
// take an id from a counter and a random UUID, answer JSON.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addFormat('api-datetime', /^\d{4}-\d{2}-\d{2}/);
ajv.addFormat('guid', /^[0-9a-f-]{32,36}$/i);
const schema = JSON.parse(readFileSync(new URL('../../schemas/onlyoffice/create-task-request.schema.json', import.meta.url), 'utf8')) as object;
const validate = ajv.compile(schema);
let nextId = 1;

const app = express();
app.use(express.json());
app.post('/api/2.0/crm/task', (req, res) => {
  if (!validate(req.body)) {
    res.status(400).json({ status: 1, statusCode: 400, error: { message: ajv.errorsText(validate.errors) } });
    return;
  }
  const body = req.body as { title: string; deadline: string };
  res.status(201).json({ count: 1, status: 0, statusCode: 201, response: { id: nextId++, guid: randomUUID(), title: body.title, deadLine: body.deadline } });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
