import { getCourse } from '#contexts/catalog/routes.ts';
import { getCourse as readCourse } from '#contexts/catalog/store/courses.ts';
import { httpHandler } from '#contexts/http.ts';
import { problems } from '#platform/http/problem.ts';

export const handler = httpHandler(getCourse, async ({ params, principal }) => {
  const course = await readCourse(principal.partnerId!, params.courseId);
  if (!course) throw problems.notFound('No such course of this platform.');
  return { status: 200, body: course };
});
