import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Course, course as courseItem } from '#contexts/catalog/items.ts';
import { db, tableName } from '#platform/store/client.ts';

/** Creates or replaces a course; true when it was new. */
export async function upsertCourse(
  course: Omit<Course, 'createdAt' | 'updatedAt'>,
  now: Date,
): Promise<{ created: boolean; course: Course }> {
  const { partnerId, courseId, ...fields } = course;
  const out = await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: courseItem.key(course),
      UpdateExpression:
        'SET #type = :type, partnerId = :partner, courseId = :course, title = :title, institution = :institution, ' +
        'priceIdr = :price, #mode = :mode, category = :category, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)',
      ExpressionAttributeNames: { '#type': 'type', '#mode': 'mode' },
      ExpressionAttributeValues: {
        ':type': courseItem.type,
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

export async function getCourse(partnerId: string, courseId: string): Promise<Course | undefined> {
  const out = await db().send(
    new GetCommand({ TableName: tableName(), Key: courseItem.key({ partnerId, courseId }) }),
  );
  return courseItem.parse(out.Item);
}
