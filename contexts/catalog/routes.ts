import * as z from 'zod';
import { route } from '#platform/http/contract.ts';
import { SingleLine } from '#platform/http/text.ts';

const tags = ['catalog'];
export const SIGNED =
  'Signed by a LIVE platform: X-Prakerja-Key-Id, X-Prakerja-Timestamp, X-Prakerja-Signature (see README).';

export const CourseBody = z
  .strictObject({
    title: SingleLine(200),
    institution: z.strictObject({ id: SingleLine(64), name: SingleLine(200) }),
    priceIdr: z.number().int().min(0).max(100_000_000),
    mode: z.enum(['online', 'offline', 'webinar']),
    category: SingleLine(100),
  })
  .meta({ id: 'CourseInput' });

export const CourseView = CourseBody.extend({
  courseId: z.string(),
  partnerId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Course' });

export const CourseParams = z.object({
  courseId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, '1-64 of A-Z a-z 0-9 . _ -'),
});

export const putCourse = route({
  operationId: 'putCourse',
  method: 'PUT',
  path: '/v1/partner/courses/{courseId}',
  access: 'platform',
  handler: 'catalog/put-course',
  uses: { items: { course: 'update' } },
  summary: `Create or replace one of the calling platform's courses. ${SIGNED}`,
  tags,
  params: CourseParams,
  body: CourseBody,
  responses: {
    200: { description: 'Replaced', schema: CourseView },
    201: { description: 'Created', schema: CourseView },
  },
  problems: ['validation', 'unauthorized', 'forbidden', 'rate-limited'],
});

export const getCourse = route({
  operationId: 'getPartnerCourse',
  method: 'GET',
  path: '/v1/partner/courses/{courseId}',
  access: 'platform',
  handler: 'catalog/get-course',
  uses: { items: { course: 'read' } },
  summary: `One of the calling platform's courses; another platform's course does not exist for it. ${SIGNED}`,
  tags,
  params: CourseParams,
  responses: { 200: { description: 'The course', schema: CourseView } },
  problems: ['not-found', 'unauthorized', 'forbidden', 'rate-limited'],
});
