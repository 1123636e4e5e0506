#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx is a runtime dependency), so operators need no build step.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
