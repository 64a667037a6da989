/**
 * Kommander's public API: {@link io.kommander.IRaft} and its implementation {@link io.kommander.RaftManager},
 * configuration, results and the types delivered to the application.
 */
package io.kommander;
