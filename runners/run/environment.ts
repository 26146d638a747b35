/** What the run ran on and with: vlbench version and commit, ONNX Runtime, Node, CPU and GPU. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, platform, release, arch } from 'node:os';
import type { RunManifest } from '../../reports/records.js';

const packageRoot = new URL('../../', import.meta.url);

function quiet(command: string, args: readonly string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], cwd: packageRoot, timeout: 5000 }).trim() || null;
  } catch {
    return null;
  }
}

export function vlbenchVersion(): RunManifest['vlbench'] {
  const pkg = JSON.parse(readFileSync(new URL('package.json', packageRoot), 'utf8')) as { version: string };
  return { version: pkg.version, gitCommit: quiet('git', ['rev-parse', 'HEAD']) };
}

export function onnxruntimeVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve('onnxruntime-node/package.json');
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function describeEnvironment(): RunManifest['environment'] {
  const cores = cpus();
  return {
    onnxruntime: onnxruntimeVersion(),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
    cpu: `${cores[0]?.model.trim() ?? 'unknown CPU'} x ${cores.length}`,
    gpu: quiet('nvidia-smi', ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader']),
  };
}
