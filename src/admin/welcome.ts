// First contact: what someone who opens the stub's root URL (or /__admin) in a
// browser or with curl needs to find their way: the live page, the OpenAPI
// document, the README, and the two APIs' routes. taskstub's own, not the real
// servers' (their root pages are not part of either contract).
import { readFile } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import { taskstubVersion } from '../version.js';

/** The README that ships with the package (npm always packs it; the Docker image copies it). */
const README = new URL('../../README.md', import.meta.url);

/** The stub's own URL as the caller reached it, so the links work through a port mapping or a proxy's Host. */
function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function welcomeDocument(base: string) {
  return {
    name: 'taskstub',
    version: taskstubVersion(),
    description: 'A stub of the ONLYOFFICE CRM and Wello ServiceDesk task APIs.',
    links: {
      livePage: `${base}/__admin/ui`,
      openapi: `${base}/__admin/openapi.json`,
      readme: `${base}/__admin/readme`,
      health: `${base}/__admin/health`,
      requests: `${base}/__admin/requests`,
    },
    apis: {
      onlyoffice: ['POST /api/2.0/authentication', 'POST /api/2.0/crm/task (also .json, .xml, .tml)'],
      wello: ['POST /api/Task'],
    },
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

function welcomePage(doc: ReturnType<typeof welcomeDocument>): string {
  const link = (href: string, text: string) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a></li>`;
  const routes = [...doc.apis.onlyoffice.map((r) => `ONLYOFFICE CRM: ${r}`), ...doc.apis.wello.map((r) => `Wello ServiceDesk: ${r}`)];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>taskstub ${escapeHtml(doc.version)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}code{font-size:.95em}</style></head>
<body><h1>taskstub ${escapeHtml(doc.version)}</h1><p>${escapeHtml(doc.description)}</p>
<ul>${link(doc.links.livePage, 'Live page: every call as it arrives')}${link(doc.links.openapi, 'OpenAPI document')}${link(doc.links.readme, 'README')}${link(doc.links.health, 'Health')}</ul>
<h2>Routes</h2><ul>${routes.map((r) => `<li><code>${escapeHtml(r)}</code></li>`).join('')}</ul>
</body></html>
`;
}

/** GET / and GET /__admin: an HTML page for browsers, JSON for everyone else (curl sends Accept: *\/*). */
export const sendWelcome: RequestHandler = (req, res) => {
  const doc = welcomeDocument(baseUrl(req));
  res.vary('Accept');
  if (req.accepts(['json', 'html']) === 'html') res.type('html').send(welcomePage(doc));
  else res.json(doc);
};

/** GET /__admin/readme: the README as Markdown, for a stub installed from a tarball or run in a container. */
export const sendReadme: RequestHandler = (_req, res, next) => {
  readFile(README, 'utf8').then(
    (text) => res.type('text/markdown; charset=utf-8').send(text),
    () => next(),
  );
};
