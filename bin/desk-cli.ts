#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from '../src/cli/run-cli';

// exit at once: every connection is closed by then, and an idle handle must not hang a script
void runCli(process.argv).then((code) => process.exit(code));
