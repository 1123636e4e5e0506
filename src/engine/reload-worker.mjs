// The reload worker's entry: the sources are TypeScript run through tsx (no build step), and a
// worker thread needs tsx registered in itself before it can import them (as bin/ does).
import { register } from 'tsx/esm/api'

register()
await import('./reload-worker.ts')
