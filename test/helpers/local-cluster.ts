/**
 * A real 3-master Redis Cluster on loopback, for the tests and the cluster smoke bench: three
 * `redis-server --cluster-enabled yes` in a temp directory of their own, joined with
 * `redis-cli --cluster create`, ready once every node reports `cluster_state:ok`. No Vitest import,
 * so the global setup and the bench can use it too.
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/scaling/
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
export const CLUSTER_DIR_PREFIX = 'shop-autoreply-cluster-'

export interface LocalCluster {
  dir: string
  ports: number[]
  /** the REDIS_CLUSTER_NODES value */
  seeds: string
}

async function cli (port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 })
  return stdout
}

/** Polls until `ok` holds, at most `ms`: a bound, not a sleep. */
async function until (what: string, ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    if (await ok().catch(() => false)) return
    if (Date.now() > end) throw new Error(`local cluster: ${what} within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function portFree (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })
}

/**
 * Three consecutive free ports in 7100-7999 whose cluster-bus ports (+10000) are free too, chosen at
 * random so that two test runs on one machine (several agents, CI) rarely try the same ones; a
 * clash left is caught when redis-server cannot bind.
 */
export async function freeClusterPorts (): Promise<number[]> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 7100 + 3 * Math.floor(Math.random() * 300)
    const ports = [base, base + 1, base + 2]
    const all = await Promise.all(ports.flatMap((p) => [portFree(p), portFree(p + 10_000)]))
    if (all.every(Boolean)) return ports
  }
  throw new Error('local cluster: no three free ports in 7100-7999')
}

export async function clusterReady (ports: number[]): Promise<boolean> {
  const infos = await Promise.all(ports.map((p) => cli(p, 'cluster', 'info').catch(() => '')))
  return infos.every((i) => i.includes('cluster_state:ok'))
}

/**
 * One node, daemonized, nothing saved but its cluster config (nodes.conf): a node stopped by a test
 * and started again rejoins the cluster with its slots, empty.
 */
export async function startNode (dir: string, port: number): Promise<void> {
  const nodeDir = join(dir, String(port))
  await mkdir(nodeDir, { recursive: true })
  await run('redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
    // a short node timeout: a node the tests stop is marked failed in 2 s, not 15
    '--cluster-node-timeout', '2000', '--dir', nodeDir, '--save', '', '--appendonly', 'no',
    '--daemonize', 'yes', '--pidfile', join(nodeDir, 'redis.pid'), '--logfile', join(nodeDir, 'redis.log')
  ], { timeout: 5000 })
}

/** Stops one node at once (SHUTDOWN NOSAVE), as a crash would. */
export async function stopNode (port: number): Promise<void> {
  await cli(port, 'shutdown', 'nosave').catch(() => undefined)
}

/** Starts the three nodes (daemonized, nothing saved to disk) and joins them; resolves once every node is ok. */
export async function startCluster (dir: string, ports: number[]): Promise<LocalCluster> {
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'ports.json'), JSON.stringify(ports))
  for (const port of ports) await startNode(dir, port)
  await until('every node answering PING', async () => (await Promise.all(ports.map((p) => cli(p, 'ping')))).every((r) => r.trim() === 'PONG'))
  const slotsAssigned = (await cli(ports[0]!, 'cluster', 'info')).includes('cluster_slots_assigned:16384')
  if (!slotsAssigned) await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 30_000 })
  await until('cluster_state:ok on every node', () => clusterReady(ports))
  return { dir, ports, seeds: ports.map((p) => `127.0.0.1:${p}`).join(',') }
}

/**
 * Stops this directory's nodes (SHUTDOWN NOSAVE) and removes it. A port is shut down only while the
 * server on it is the one started here (its process id is the pidfile's): the port may have been
 * taken by another run's cluster since.
 */
export async function stopCluster (dir: string): Promise<void> {
  const ports = JSON.parse(await readFile(join(dir, 'ports.json'), 'utf8').catch(() => '[]')) as number[]
  await Promise.all(ports.map(async (p) => {
    const pid = (await readFile(join(dir, String(p), 'redis.pid'), 'utf8').catch(() => '')).trim()
    const info = await cli(p, 'info', 'server').catch(() => '')
    if (pid && info.includes(`process_id:${pid}\r`)) await cli(p, 'shutdown', 'nosave').catch(() => undefined)
  }))
  await rm(dir, { recursive: true, force: true })
}

/** A fresh directory for one run's cluster, under the system's temp directory. */
export function clusterDir (): string {
  return join(tmpdir(), `${CLUSTER_DIR_PREFIX}${process.pid}-${Date.now().toString(36)}`)
}

/**
 * Clusters left by runs that were killed before their teardown (the owner's pid is in the
 * directory's name): their nodes are stopped and their directories removed.
 */
export async function sweepStaleClusters (): Promise<void> {
  const names = (await readdir(tmpdir()).catch(() => [] as string[])).filter((n) => n.startsWith(CLUSTER_DIR_PREFIX))
  for (const name of names) {
    const pid = Number(name.slice(CLUSTER_DIR_PREFIX.length).split('-')[0])
    if (pid && alive(pid)) continue
    await stopCluster(join(tmpdir(), name))
  }
}

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}
