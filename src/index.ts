// The package root: build the app in process (it never listens by itself).
export { createApp, DEFAULT_BODY_LIMIT, type AppOptions } from './app.js';
export { createStub, type Stub, type StubOptions } from './stub.js';
export { createStubServer, type StubServerOptions } from './server.js';
export { openApiDocument } from './openapi.js';
export type { CoreRequest, CoreResponse } from './core/http.js';
export type { OnlyofficeCreateTaskRequest } from './generated/onlyoffice/create-task-request.js';
export type { OnlyofficeCreateTaskEnvelope, OnlyofficeTaskWrapper } from './generated/onlyoffice/envelope.js';
export type { OnlyofficeError } from './generated/onlyoffice/error.js';
export type { WelloTask } from './generated/wello/task.js';
export type { WelloError } from './generated/wello/error.js';
export type { JournalEntry } from './journal/entry.js';
export type { Matcher } from './journal/matcher.js';
export { connect, VerificationError, type TaskstubClient } from './client/index.js';
