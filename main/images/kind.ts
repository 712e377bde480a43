// The images domain's job kind: `images` (fetch, store, thumbnails, probable duplicates).
import { defineJobKind } from '../queue/kinds.ts';
import { imagesPayloadSchema, type ImagesJobResult, type ImagesPayload } from './task.ts';

declare module '../queue/kinds.ts' {
  interface JobKinds {
    images: { payload: ImagesPayload; result: ImagesJobResult };
  }
}

export const imagesKind = defineJobKind({
  kind: 'images',
  payload: imagesPayloadSchema,
  label: 'Images',
  // One run fetches with its own bounded concurrency per host; two would only compete for the same hosts.
  concurrency: 1,
});
