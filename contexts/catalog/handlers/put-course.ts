import { putCourse } from '#contexts/catalog/routes.ts';
import { upsertCourse } from '#contexts/catalog/store/courses.ts';
import { httpHandler } from '#contexts/http.ts';
import { clock } from '#platform/clock.ts';

// The course is filed under the calling platform: it can only ever touch its own.
export const handler = httpHandler(putCourse, async ({ params, body, principal }) => {
  const { created, course } = await upsertCourse(
    { partnerId: principal.partnerId!, courseId: params.courseId, ...body },
    clock.now(),
  );
  return { status: created ? 201 : 200, body: course };
});
