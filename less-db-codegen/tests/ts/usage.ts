// Uses every generated type the way an app would; must type-check with --strict.
import {
  COLLECTIONS,
  VERSIONS,
  type Address,
  type CollectionName,
  type Note,
  type NoteWrite,
  type Priority,
  type Role,
  type User,
  type UserV1,
  type UserV1Write,
  type UserWrite,
} from "../snapshots/schema";

const names: CollectionName[] = [COLLECTIONS.users, COLLECTIONS.notes];
const newest: 2 = VERSIONS.users;

const address: Address = { street: "1 Main St", city: "Springfield" };

// On write the id and the timestamps may be left out; optional fields too.
const newUser: UserWrite = {
  email: "ada@example.com",
  firstName: "Ada",
  lastName: "Lovelace",
  bio: "",
  active: true,
  tags: ["math"],
  prefs: { dark: true },
  address,
  role: "admin",
};

// On read they are always there, dates as Date and bytes as Uint8Array.
function describe(user: User): string {
  const born: Date | null | undefined = user.birthday;
  const avatar: Uint8Array | null | undefined = user.avatar;
  const created: number = user.createdAt.getTime();
  const role: Role = user.role;
  return `${user.id} ${role} ${created} ${born?.toISOString() ?? "-"} ${avatar?.length ?? 0}`;
}

const oldUser: UserV1 = {
  id: "u1",
  name: "Ada Lovelace",
  email: "ada@example.com",
  createdAt: new Date(0),
  updatedAt: new Date(0),
};
const oldWrite: UserV1Write = { name: oldUser.name, email: oldUser.email };

const priorities: Priority[] = [false, 3];
const note: NoteWrite = {
  owner: "u1",
  kind: "note",
  body: "hello",
  pinned: false,
  priority: priorities[0] ?? 1,
  attachments: [{ name: "a.bin", data: new Uint8Array([1, 2]), addedAt: new Date() }],
  scores: { relevance: 0.5 },
};
function pinned(n: Note): boolean {
  return n.pinned && n.kind === "note";
}

export const used = [names, newest, newUser, describe, oldWrite, note, pinned];
