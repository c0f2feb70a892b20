import { getCourse } from '#shared/contracts/catalog.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { getCourse as readCourse } from '#shared/store/courses.ts';

export const handler = httpHandler(getCourse, async ({ params, principal }) => {
  const course = await readCourse(principal.partnerId!, params.courseId);
  if (!course) throw problems.notFound('No such course of this platform.');
  return { status: 200, body: course };
});
