// The built page in headless Chromium, served from a sub-path the way a blog
// would host it. Fails on any console error, failed request or request that
// leaves the page's own origin.
//
// Run by `cargo xtask test` (which builds dist/ and installs Chromium and
// playwright-core first); by hand: node --test tests/browser/page.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dist = process.env.PODLAB_DIST ?? path.join(root, 'dist');
const artifacts = path.join(root, 'tests', 'artifacts');
const executablePath = process.env.PODLAB_CHROMIUM ?? '/usr/bin/chromium';
const SUB_PATH = '/posts/podlab/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
};

/** Serves dist/ under SUB_PATH only; everything else is a 404. */
function startServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === SUB_PATH.slice(0, -1)) {
      res.writeHead(301, { Location: SUB_PATH }).end();
      return;
    }
    if (!url.pathname.startsWith(SUB_PATH)) {
      res.writeHead(404).end('not found');
      return;
    }
    const rel = decodeURIComponent(url.pathname.slice(SUB_PATH.length)) || 'index.html';
    const file = path.resolve(dist, rel);
    if (!file.startsWith(path.resolve(dist) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server;
let context;
let page;
let origin;
const problems = [];

before(async () => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), `no build in ${dist}; run cargo xtask dist`);
  server = await startServer();
  origin = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podlab-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol !== 'data:' && url.origin !== origin) problems.push(`request outside the origin: ${req.url()}`);
  });
  await page.goto(`${origin}${SUB_PATH}`, { waitUntil: 'load' });
  await page.locator('[data-node="node02"]').waitFor({ timeout: 15_000 });
});

after(async () => {
  await context?.close();
  server?.close();
});

test('the cluster panel lists the nodes computed by core', async () => {
  const rows = page.locator("table.nodes tbody");
  assert.deepEqual(await rows.locator('.node-name > code').allTextContents(), ['controlplane', 'node01', 'node02']);
  const controlPlane = page.locator('[data-node="controlplane"]');
  assert.match(await controlPlane.innerText(), /control-plane/);
  assert.match(await controlPlane.innerText(), /node-role\.kubernetes\.io\/control-plane:NoSchedule/);
  assert.match(await page.locator('[data-node="node01"]').innerText(), /Ready\s+<none>/);
});

test('the lesson list shows the Pods lesson', async () => {
  await page.locator('.lesson-title', { hasText: 'Pods' }).waitFor();
  fs.mkdirSync(artifacts, { recursive: true });
  // The app's own box, without the empty viewport below it.
  await page.locator('.app').screenshot({ path: path.join(artifacts, 'page.png') });
});

test('the language switch shows the lesson and labels in Chinese', async () => {
  await page.getByRole('button', { name: '简体中文' }).click();
  await page.locator('.lesson-title', { hasText: 'Pod' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
  assert.equal(await page.locator('#cluster-heading').innerText(), '集群');
  await page.screenshot({ path: path.join(artifacts, 'page-zh-CN.png') });
  await page.getByRole('button', { name: 'English' }).click();
  assert.equal(await page.locator('#cluster-heading').innerText(), 'Cluster');
});

test('opening a lesson shows its text, and back returns to the list', async () => {
  await page.locator('.lesson-card').first().click();
  await page.locator('.lesson-body').getByText('kubectl apply -f pod.yaml').first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'lesson.png') });
  await page.locator('button.back').click();
  await page.locator('.lesson-list').waitFor();
});

test('the page made no failed, foreign or erroring request', () => {
  assert.deepEqual(problems, []);
});
