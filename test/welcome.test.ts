// First contact (taskstub's own routes): the root URL and /__admin point a newcomer
// to the live page, the OpenAPI document and the README, in HTML for a browser, JSON otherwise.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { agent, listening, ROOT } from './helpers.js';

interface Welcome {
  name: string;
  version: string;
  links: Record<'livePage' | 'openapi' | 'readme' | 'health', string>;
  apis: Record<'onlyoffice' | 'wello', string[]>;
}

describe('first contact: GET / and GET /__admin', () => {
  for (const path of ['/', '/__admin', '/__admin/']) {
    it(`${path} answers JSON with links built from the Host it was reached at (a proxy's name, allowed for the admin routes)`, async () => {
      const res = await agent({ allowedHosts: ['stub.test'] }).get(path).set('Host', 'stub.test:8080').expect(200).expect('Content-Type', /application\/json/);
      const body = res.body as Welcome;
      assert.equal(body.name, 'taskstub');
      assert.equal(body.version, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
      assert.deepEqual(body.links, {
        livePage: 'http://stub.test:8080/__admin/ui',
        openapi: 'http://stub.test:8080/__admin/openapi.json',
        readme: 'http://stub.test:8080/__admin/readme',
        health: 'http://stub.test:8080/__admin/health',
        requests: 'http://stub.test:8080/__admin/requests',
      });
      assert.ok(body.apis.wello.includes('POST /api/Task'));
    });
  }

  it('answers a browser (Accept: text/html) with a page whose links are the same', async () => {
    const res = await agent().get('/').set('Accept', 'text/html,application/xhtml+xml,*/*;q=0.8').expect(200).expect('Content-Type', /text\/html/);
    for (const href of ['/__admin/ui', '/__admin/openapi.json', '/__admin/readme']) assert.match(res.text, new RegExp(`href="http://[^"]+${href.replace('.', '\\.')}"`));
    assert.equal(res.headers.vary, 'Accept');
  });

  it('every link it gives answers 200 on the CLI\'s own server (fast path in front of Express)', async () => {
    const stub = await listening();
    try {
      const body = (await (await fetch(`${stub.url}/`)).json()) as Welcome;
      for (const url of Object.values(body.links)) assert.equal((await fetch(url)).status, 200, url);
      const readme = await fetch(body.links.readme);
      assert.match(readme.headers.get('content-type') ?? '', /^text\/markdown/);
      assert.equal(await readme.text(), readFileSync(join(ROOT, 'README.md'), 'utf8'));
    } finally {
      stub.close();
    }
  });

  it('GET / needs no admin token (it shows no recorded call); GET /__admin does', async () => {
    const app = createApp({ adminToken: 'secret' });
    await request(app).get('/').expect(200);
    await request(app).get('/__admin').expect(401);
    await request(app).get('/__admin').set('Authorization', 'Bearer secret').expect(200);
  });

  it('other methods on / stay unknown routes (404), as before', async () => {
    await agent().post('/').send('x').expect(404);
  });
});
