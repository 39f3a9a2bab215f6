//! Support code for Wharf's end-to-end tests: fixtures that start the real binaries on
//! loopback ports chosen at run time and the paths of the external clients they drive.
