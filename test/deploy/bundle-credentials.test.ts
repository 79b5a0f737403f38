/**
 * The function bundles replace the SDK's default credential chain with the environment provider
 * (scripts/build.mjs, lambda-credentials): on Lambda the role's credentials are in AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. This runs a real bundle in a child process against a local
 * HTTP endpoint (AWS_ENDPOINT_URL) and checks the request it sends is signed with those credentials.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BUNDLE = resolve('.esbuild/functions/capacity-report/handler.mjs');

describe.runIf(existsSync(BUNDLE))('a function bundle', () => {
  it('carries no other credential provider (no STS web identity, SSO, process or profile chain)', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    expect(text).not.toMatch(/AssumeRoleWithWebIdentity|sso-oidc|credential_process/);
  });

  it('signs its AWS calls with the credentials of the Lambda environment', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'ClientException', message: 'test endpoint' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const script = `const { handler } = await import(${JSON.stringify(BUNDLE)});
      await handler({ clusters: ['demo'] }, { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 9000 }).catch(() => {});`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: '/nonexistent',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIABUNDLETEST000001',
        AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
        AWS_SESSION_TOKEN: 'bundle-test-token',
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        AWS_MAX_ATTEMPTS: '1',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      stdio: 'ignore',
    });
    await new Promise((r) => child.on('exit', r));
    server.close();
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]!.authorization).toMatch(/Credential=AKIABUNDLETEST000001\/\d{8}\/eu-west-1\//);
    expect(seen[0]!['x-amz-security-token']).toBe('bundle-test-token');
  });
});
