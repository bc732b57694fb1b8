// Every line marked `// error` misuses a generated type; tsc must reject each one, and
// nothing else.
import type { Note, User, UserWrite } from "../snapshots/schema";

const base = {
  email: "ada@example.com",
  firstName: "Ada",
  lastName: "Lovelace",
  bio: "",
  active: true,
  tags: [],
  prefs: {},
  address: { street: "", city: "" },
  role: "admin",
} as const;

const badRole: UserWrite = { ...base, role: "owner" }; // error
const missingEmail: UserWrite = { ...base, email: undefined }; // error
const stringDate: UserWrite = { ...base, birthday: "2020-01-01" }; // error
const wrongField: UserWrite = { ...base, firstname: "Ada" }; // error
function readId(u: User): number {
  return u.id; // error
}
function bytes(n: Note): string {
  return n.attachments[0]?.data ?? ""; // error
}

export const used = [badRole, missingEmail, stringDate, wrongField, readId, bytes];
