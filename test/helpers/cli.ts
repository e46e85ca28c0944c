import { spawn } from 'node:child_process';
import path from 'node:path';

export interface CliResult { code: number | null; stdout: string; stderr: string }

const BIN = path.resolve('bin/gatehouse.js');

/** Runs the gatehouse command as an operator would, on the project's Node.js. */
export function gatehouseCli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH!, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
