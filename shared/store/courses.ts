import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/store/client.ts';

// A platform's catalog. Course ids are the platform's own, so each platform has its own
// namespace: the key holds the partner id, and a platform cannot even name another
// platform's course.
export interface Course {
  partnerId: string;
  courseId: string;
  title: string;
  institution: { id: string; name: string };
  priceIdr: number;
  mode: 'online' | 'offline' | 'webinar';
  category: string;
  createdAt: string;
  updatedAt: string;
}

const courseKey = (partnerId: string, courseId: string) => ({
  PK: `COURSE#${partnerId}#${courseId}`,
  SK: 'COURSE',
});

/** Creates or replaces a course; true when it was new. */
export async function upsertCourse(
  course: Omit<Course, 'createdAt' | 'updatedAt'>,
  now: Date,
): Promise<{ created: boolean; course: Course }> {
  const { partnerId, courseId, ...fields } = course;
  const out = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: courseKey(partnerId, courseId),
      UpdateExpression:
        'SET #type = :type, partnerId = :partner, courseId = :course, title = :title, institution = :institution, ' +
        'priceIdr = :price, #mode = :mode, category = :category, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)',
      ExpressionAttributeNames: { '#type': 'type', '#mode': 'mode' },
      ExpressionAttributeValues: {
        ':type': 'Course',
        ':partner': partnerId,
        ':course': courseId,
        ':title': fields.title,
        ':institution': fields.institution,
        ':price': fields.priceIdr,
        ':mode': fields.mode,
        ':category': fields.category,
        ':now': now.toISOString(),
      },
      ReturnValues: 'UPDATED_OLD',
    }),
  );
  const at = now.toISOString();
  const createdAt = (out.Attributes?.createdAt as string | undefined) ?? at;
  return { created: !out.Attributes, course: { ...course, createdAt, updatedAt: at } };
}

function toCourse(item: Record<string, unknown>): Course {
  const { PK: _p, SK: _s, type: _t, ...course } = item;
  return course as unknown as Course;
}

export async function getCourse(partnerId: string, courseId: string): Promise<Course | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: courseKey(partnerId, courseId) }),
  );
  return out.Item ? toCourse(out.Item) : undefined;
}
