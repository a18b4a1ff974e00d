// Task events from the manager's plain fields to the containerd.events messages containerd publishes.
import { create, type DescMessage } from '@bufbuild/protobuf';
import { anyPack, timestampFromDate, type Any } from '@bufbuild/protobuf/wkt';
import {
  TaskCreateSchema,
  TaskDeleteSchema,
  TaskExecAddedSchema,
  TaskExecStartedSchema,
  TaskExitSchema,
  TaskOOMSchema,
  TaskPausedSchema,
  TaskResumedSchema,
  TaskStartSchema,
} from '@stack/proto/gen/containerd/events/task_pb';
import type { TaskEvent, TaskTopic } from '../events/task-events.js';

const SCHEMAS: Record<TaskTopic, DescMessage> = {
  '/tasks/create': TaskCreateSchema,
  '/tasks/start': TaskStartSchema,
  '/tasks/exit': TaskExitSchema,
  '/tasks/delete': TaskDeleteSchema,
  '/tasks/exec-added': TaskExecAddedSchema,
  '/tasks/exec-started': TaskExecStartedSchema,
  '/tasks/paused': TaskPausedSchema,
  '/tasks/resumed': TaskResumedSchema,
  '/tasks/oom': TaskOOMSchema,
};

export function eventAny(e: TaskEvent): Any {
  const schema = SCHEMAS[e.topic];
  const fields: Record<string, unknown> = { ...e.fields };
  if (fields.exitedAt instanceof Date) fields.exitedAt = timestampFromDate(fields.exitedAt);
  else delete fields.exitedAt;
  return anyPack(schema, create(schema, fields as never));
}
