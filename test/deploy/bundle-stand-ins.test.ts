/**
 * The function bundles carry the JSON stand-ins (shared/aws/lambda/stand-ins.json) instead of the SDK
 * clients they replace, and a real bundle works on them end to end: the capacity-report bundle runs in a
 * child process against a local HTTP server that plays every AWS service it calls (AWS JSON for ECS,
 * Application Auto Scaling, CloudWatch, SSM; Query/XML for Auto Scaling), and returns a report of the
 * cluster the server describes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const META = '.esbuild/meta';
const BUNDLE = resolve('.esbuild/functions/capacity-report/handler.mjs');
const STAND_INS = JSON.parse(readFileSync('shared/aws/lambda/stand-ins.json', 'utf8')) as Record<
  string,
  string
>;

describe.runIf(existsSync(META) && existsSync(BUNDLE))('the function bundles', () => {
  it('carry no code of the replaced SDK clients, and the stand-ins instead', () => {
    const metas = readdirSync(META).filter((f) => f.endsWith('.json'));
    expect(metas.length).toBeGreaterThanOrEqual(5);
    const used = new Set<string>();
    for (const f of metas) {
      const inputs = Object.keys(
        (JSON.parse(readFileSync(join(META, f), 'utf8')) as { inputs: Record<string, unknown> }).inputs,
      );
      for (const pkg of Object.keys(STAND_INS)) {
        expect(inputs.filter((i) => i.includes(`node_modules/${pkg}/`))).toEqual([]);
      }
      expect(inputs.filter((i) => i.includes('@smithy/core/dist-es/submodules/event-streams'))).toEqual([]);
      // SHA-256 is node:crypto's (scripts/build.mjs `nativeSha256`); the signed calls below prove it works.
      const outputs = (
        JSON.parse(readFileSync(join(META, f), 'utf8')) as {
          outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
        }
      ).outputs;
      const pureJs = Object.values(outputs).flatMap((o) =>
        Object.entries(o.inputs).filter(([i, v]) => i.endsWith('sha256/Sha256Js.js') && v.bytesInOutput > 0),
      );
      expect(pureJs).toEqual([]);
      // No INI reader: Lambda has no shared config files (the stand-in passes the config chain on).
      const ini = Object.values(outputs).flatMap((o) =>
        Object.entries(o.inputs).filter(
          ([i, v]) => i.includes('shared-ini-file-loader/') && v.bytesInOutput > 0,
        ),
      );
      expect(ini).toEqual([]);
      for (const i of inputs)
        if (i.startsWith('shared/aws/lambda/')) used.add(i.replace('shared/aws/lambda/', ''));
    }
    // Every stand-in is in at least one bundle (a stand-in no function needs would be dead code).
    expect([...used].sort()).toEqual(expect.arrayContaining(Object.values(STAND_INS)));
  });

  it('answer every region of the endpoint table as the SDK does, from a table without descriptions', async () => {
    const { partition, setPartitionInfo, useDefaultPartitionInfo } = await import('@aws-sdk/core/client');
    const { partitionsInfo } = (await import(
      pathToFileURL(
        resolve('node_modules/@aws-sdk/core/dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'),
      ).href
    )) as { partitionsInfo: { partitions: { regions: Record<string, unknown> }[] } };
    const regions = [
      ...partitionsInfo.partitions.flatMap((p) => Object.keys(p.regions)),
      'us-east-9',
      'eu-central-7',
      'cn-north-9',
      'us-gov-east-5',
      'xx-nowhere-1',
    ];
    const expected = regions.map((r) => {
      const { description: _, ...rest } = partition(r) as { description?: string };
      return rest;
    });
    const dir = '.esbuild/functions';
    const bundles = readdirSync(dir).filter((n) => existsSync(join(dir, n, 'handler.mjs')));
    expect(bundles.length).toBeGreaterThanOrEqual(5);
    try {
      for (const name of bundles) {
        const text = readFileSync(join(dir, name, 'handler.mjs'), 'utf8');
        const start = text.indexOf('{partitions:[{id:"aws"');
        if (start < 0) continue;
        // The table as the bundle holds it (a JS object literal), read up to its closing brace.
        let depth = 0;
        let end = start;
        for (; end < text.length; end++) {
          if (text[end] === '{') depth++;
          else if (text[end] === '}' && --depth === 0) break;
        }
        const table = new Function(`return ${text.slice(start, end + 1)}`)();
        expect(text.includes('US East (N. Virginia)'), name).toBe(false);
        setPartitionInfo(table);
        expect(
          regions.map((r) => partition(r)),
          name,
        ).toEqual(expected);
      }
    } finally {
      useDefaultPartitionInfo();
    }
  });

  it('report a cluster end to end over the stand-ins, signed with the Lambda credentials', async () => {
    const seen: Array<{ target: string; headers: IncomingHttpHeaders }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        if (!target) {
          // Auto Scaling (Query): an empty answer of the requested action.
          const action = new URLSearchParams(body).get('Action') ?? 'Unknown';
          seen.push({ target: `autoscaling.${action}`, headers: req.headers });
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(
            `<${action}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><${action}Result><AutoScalingGroups/></${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`,
          );
          return;
        }
        seen.push({ target, headers: req.headers });
        const op = target.split('.').pop();
        const answers: Record<string, unknown> = {
          DescribeClusters: {
            clusters: [
              { clusterName: 'demo', clusterArn: 'arn:aws:ecs:eu-west-1:1:cluster/demo', status: 'ACTIVE' },
            ],
            failures: [],
          },
          GetParameter: undefined,
        };
        if (op === 'GetParameter') {
          res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify({ __type: 'ParameterNotFound', message: 'none' }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(answers[op ?? ''] ?? {}));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const script = `const { handler } = await import(${JSON.stringify(BUNDLE)});
      const out = await handler({ clusters: ['demo'] }, { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 9000 });
      process.stdout.write(JSON.stringify(out));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: '/nonexistent',
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIABUNDLETEST000002',
        AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
        AWS_SESSION_TOKEN: 'bundle-test-token',
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    const code = await new Promise((r) => child.on('exit', r));
    server.close();
    // The SDK warns on Node 20 that later releases need Node 22 (Lambda runs nodejs22.x); nothing else.
    const errors = stderr.replace(
      /\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?warning was created\)\n/,
      '',
    );
    expect([code, errors.slice(0, 500)]).toEqual([0, '']);
    const report = JSON.parse(stdout) as { clusters: Array<{ cluster: string }> };
    expect(report.clusters.map((c) => c.cluster)).toEqual(['demo']);
    const targets = new Set(seen.map((s) => s.target));
    expect(targets).toContain('AmazonEC2ContainerServiceV20141113.DescribeClusters');
    expect(targets).toContain('AmazonEC2ContainerServiceV20141113.ListContainerInstances');
    expect(targets).toContain('AmazonSSM.GetParameter');
    expect(targets).toContain('GraniteServiceVersion20100801.DescribeAlarms');
    expect(targets).toContain('autoscaling.DescribeAutoScalingGroups');
    for (const s of seen) {
      expect(s.headers.authorization).toMatch(/Credential=AKIABUNDLETEST000002\/\d{8}\/eu-west-1\//);
      expect(s.headers['x-amz-security-token']).toBe('bundle-test-token');
    }
  });
});
