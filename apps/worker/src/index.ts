export { startWorker, type WorkerHandle } from "./runner";
export { loadWorkerEnv, type WorkerEnv } from "./env";
export { createHandlers, createTaskList, CRONTAB } from "./tasks";
