// The reload worker's entry: the sources are TypeScript run through tsx (no build step), and a
// worker thread needs tsx registered in itself before it can import them (as bin/ does).
import { register } from 'tsx/esm/api'

register()
// Not awaited at the top level: a worker terminated while a module with top-level await is still
// evaluating (a service closed right after it started) can abort the whole process in V8's
// ExecuteAsyncModule ("Check failed: (location_) != nullptr", nodejs/node#53238; seen once in this
// suite under load). A failed import still reaches the client as the worker's 'error' event.
import('./reload-worker.ts')
