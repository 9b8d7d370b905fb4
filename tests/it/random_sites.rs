//! Random sites: no input makes a build panic, and every promised page is written.
