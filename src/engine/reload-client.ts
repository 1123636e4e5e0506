/**
 * One long-lived reload worker per registry, started on first use: a worker boots in a few hundred
 * milliseconds, which each reload would otherwise pay. It never keeps the process alive (unref),
 * and a worker that dies is replaced on the next reload. Idle for a minute, it is stopped: the start-up
 * check of 1,000 shops' examples left ~220 MB of its heap in the process (V8 keeps what a heap grew
 * to), and an operator's next save pays a boot of a few hundred milliseconds instead.
 */
import { Worker } from 'node:worker_threads'
import type { CheckRequest, ReloadRequest, WorkerReply } from './reload-worker.js'

// an entry that registers tsx in the worker first (reload-worker.mjs), then loads reload-worker.ts
const WORKER_URL = new URL('./reload-worker.mjs', import.meta.url)

const CLOSE_WAIT_MS = 2000
const IDLE_MS = 60_000

export class ReloadWorker {
  private worker: Worker | undefined
  private seq = 0
  private pending = new Map<number, { worker: Worker; resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>()
  private idle: ReturnType<typeof setTimeout> | undefined

  constructor (private readonly idleMs = IDLE_MS) {}

  run (req: Omit<ReloadRequest, 'id'> | Omit<CheckRequest, 'id'>): Promise<WorkerReply> {
    clearTimeout(this.idle)
    this.idle = undefined
    const w = this.worker ?? this.start()
    const id = ++this.seq
    return new Promise((resolve, reject) => {
      this.pending.set(id, { worker: w, resolve, reject })
      w.postMessage({ ...req, id })
    })
  }

  /** whether a worker is running (stopped when idle, started again by the next run) */
  get running (): boolean { return this.worker !== undefined }

  async close (): Promise<void> {
    clearTimeout(this.idle)
    this.idle = undefined
    const w = this.worker
    this.worker = undefined
    if (!w) return
    // A worker still booting (tsx registers its loader first) can be slow to stop on a loaded
    // machine, and the start-up check starts one right after the start: the service's shutdown must
    // not wait out its grace period for it. The worker never keeps the process alive (unref).
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([w.terminate(), new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_WAIT_MS); timer.unref() })])
    clearTimeout(timer)
    // what the stopped worker still owed (a shutdown during a reload) fails rather than waits forever
    for (const [id, p] of this.pending) if (p.worker === w) { this.pending.delete(id); p.reject(new Error('the reload worker was stopped')) }
  }

  private start (): Worker {
    const w = new Worker(WORKER_URL)
    w.unref()
    w.on('message', (r: WorkerReply) => {
      const p = this.pending.get(r.id)
      this.pending.delete(r.id)
      p?.resolve(r)
      if (this.pending.size === 0 && this.worker === w) {
        clearTimeout(this.idle)
        this.idle = setTimeout(() => { if (this.pending.size === 0 && this.worker === w) void this.close() }, this.idleMs)
        this.idle.unref()
      }
    })
    const fail = (err: Error) => {
      // a worker stopped as idle (or replaced) has nothing pending: its exit is not the new one's failure
      if (this.worker !== w) return
      this.worker = undefined
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
    }
    w.on('error', fail)
    w.on('exit', (code) => fail(new Error(`the reload worker exited (${code})`)))
    this.worker = w
    return w
  }
}
