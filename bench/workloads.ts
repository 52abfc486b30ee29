// What the benchmark sends: a valid create of each kind.

export interface Workload {
  name: string;
  /** POST unless said. */
  method?: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const basic = `Basic ${Buffer.from('test@wello.solutions:123456@TESTAPI').toString('base64')}`;

export const ONLYOFFICE_JSON: Workload = {
  name: 'ONLYOFFICE JSON create',
  path: '/api/2.0/crm/task',
  headers: { 'Content-Type': 'application/json', Authorization: 'bench-token' },
  body: JSON.stringify({
    title: 'Call the client',
    description: 'About the renewal',
    deadline: '2026-12-01T09:00:00.000Z',
    responsibleId: '9924256A-739C-462b-AF15-E652A3B1B6EB',
    categoryId: 1,
    isNotify: true,
    alertValue: 15,
  }),
};

export const WELLO_JSON: Workload = {
  name: 'Wello JSON create',
  path: '/api/Task',
  headers: { 'Content-Type': 'application/json', Authorization: basic },
  body: JSON.stringify({ subject: 'Printer on floor 3 is jammed', remark: 'Paper tray 2', customer_reference: 'T-1', due_date: '2026-12-01T10:00:00Z' }),
};

export const WELLO_XML: Workload = {
  name: 'Wello XML in, XML out',
  path: '/api/Task',
  headers: { 'Content-Type': 'application/xml', Accept: 'application/xml', Authorization: basic },
  body:
    '<task xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><customer_reference>T-1</customer_reference>' +
    '<due_date>2026-12-01T10:00:00.000Z</due_date><remark>Paper tray 2</remark><subject>Printer on floor 3 is jammed</subject></task>',
};

/** Reads one ONLYOFFICE task back: GET task/{id} of the task `prepare` created. */
export const ONLYOFFICE_READ: Workload = { name: 'ONLYOFFICE read back', method: 'GET', path: '/api/2.0/crm/task/1', headers: { Authorization: 'bench-token' } };

/** Reads one Wello task back: GET api/Task(<guid>) of the task `prepare` created (its path is set then). */
export const WELLO_READ: Workload = { name: 'Wello read back', method: 'GET', path: '/api/Task(?)', headers: { Authorization: basic } };

/** Creates the task a read-back workload reads, and returns the workload with its path. */
export async function prepareRead(url: string, read: Workload): Promise<Workload> {
  const create = read === ONLYOFFICE_READ ? ONLYOFFICE_JSON : WELLO_JSON;
  const res = await fetch(url + create.path, { method: 'POST', headers: create.headers, body: create.body });
  if (res.status !== 201) throw new Error(`the read-back workload's create answered ${res.status}`);
  if (read === ONLYOFFICE_READ) return read;
  const location = res.headers.get('location') ?? '';
  return { ...read, path: new URL(location).pathname };
}
