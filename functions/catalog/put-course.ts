import { clock } from '#shared/clock.ts';
import { putCourse } from '#shared/contracts/catalog.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { upsertCourse } from '#shared/store/courses.ts';

// The course is filed under the calling platform: it can only ever touch its own.
export const handler = httpHandler(putCourse, async ({ params, body, principal }) => {
  const { created, course } = await upsertCourse(
    { partnerId: principal.partnerId!, courseId: params.courseId, ...body },
    clock.now(),
  );
  return { status: created ? 201 : 200, body: course };
});
