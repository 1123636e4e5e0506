/**
 * The real service as a child process (`node --import tsx src/server.ts`), for what only a process
 * shows: signals, start-up lines, exit codes. Listens on a free loopback port read from its log.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const running: ChildProcess[] = []
afterEach(() => { for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL') })

export interface Child {
  proc: ChildProcess
  url: string
  /** every stdout + stderr line so far */
  lines: string[]
  /** resolves with the first line matching, bounded */
  waitForLine (re: RegExp, timeoutMs?: number): Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts the service and resolves once it listens (or rejects with its output when it exits first). */
// generous bounds: a loaded CI machine starts node + tsx slowly, and a bound is not a sleep
export async function startService (env: Record<string, string>, timeoutMs = 45_000): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', CLASSIFIER: 'false', RULES_WATCH: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  running.push(proc)
  const lines: string[] = []
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = []
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line) continue
      lines.push(line)
      for (const w of [...waiters]) if (w.re.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line) }
    }
  }
  proc.stdout!.on('data', onData)
  proc.stderr!.on('data', onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  const waitForLine = (re: RegExp, ms = timeoutMs): Promise<string> => {
    const seen = lines.find((l) => re.test(l))
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${ms} ms:\n${lines.join('\n')}`)), ms)
      waiters.push({ re, resolve: (l) => { clearTimeout(timer); resolve(l) } })
      void exited.then(() => setTimeout(() => { clearTimeout(timer); reject(new Error(`the service exited before a line matching ${re}:\n${lines.join('\n')}`)) }, 50))
    })
  }
  const listening = await waitForLine(/Server listening at http:\/\/127\.0\.0\.1:\d+/)
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(listening)![0]
  return { proc, url, lines, waitForLine, exited }
}

/** Runs the service to its exit (for start-up failures): exit code and output. */
export async function runServiceToExit (env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', CLASSIFIER: 'false', RULES_WATCH: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  running.push(proc)
  let output = ''
  proc.stdout!.on('data', (b: Buffer) => { output += b.toString('utf8') })
  proc.stderr!.on('data', (b: Buffer) => { output += b.toString('utf8') })
  const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)))
  return { code, output }
}
