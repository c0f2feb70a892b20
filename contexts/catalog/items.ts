import { item } from '#platform/store/item.ts';

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

export const course = item<Course>()({
  type: 'Course',
  key: ({ partnerId, courseId }: { partnerId: string; courseId: string }) => ({
    PK: `COURSE#${partnerId}#${courseId}`,
    SK: 'COURSE',
  }),
});
