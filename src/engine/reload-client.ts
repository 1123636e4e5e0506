/**
 * One long-lived reload worker per registry, started on first use: a worker boots in a few hundred
 * milliseconds, which each reload would otherwise pay. It never keeps the process alive (unref),
 * and a worker that dies is replaced on the next reload.
 */
import { Worker } from 'node:worker_threads'
import type { CheckRequest, ReloadRequest, WorkerReply } from './reload-worker.js'

// an entry that registers tsx in the worker first (reload-worker.mjs), then loads reload-worker.ts
const WORKER_URL = new URL('./reload-worker.mjs', import.meta.url)

const CLOSE_WAIT_MS = 2000

export class ReloadWorker {
  private worker: Worker | undefined
  private seq = 0
  private pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>()

  run (req: Omit<ReloadRequest, 'id'> | Omit<CheckRequest, 'id'>): Promise<WorkerReply> {
    const w = this.worker ?? this.start()
    const id = ++this.seq
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      w.postMessage({ ...req, id })
    })
  }

  async close (): Promise<void> {
    const w = this.worker
    this.worker = undefined
    if (!w) return
    // A worker still booting (tsx registers its loader first) can be slow to stop on a loaded
    // machine, and the start-up check starts one right after the start: the service's shutdown must
    // not wait out its grace period for it. The worker never keeps the process alive (unref).
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([w.terminate(), new Promise<void>((resolve) => { timer = setTimeout(resolve, CLOSE_WAIT_MS); timer.unref() })])
    clearTimeout(timer)
  }

  private start (): Worker {
    const w = new Worker(WORKER_URL)
    w.unref()
    w.on('message', (r: WorkerReply) => {
      const p = this.pending.get(r.id)
      this.pending.delete(r.id)
      p?.resolve(r)
    })
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = undefined
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
    }
    w.on('error', fail)
    w.on('exit', (code) => fail(new Error(`the reload worker exited (${code})`)))
    this.worker = w
    return w
  }
}
