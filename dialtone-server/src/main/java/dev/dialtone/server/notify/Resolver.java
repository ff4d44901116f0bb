package dev.dialtone.server.notify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Host name to addresses; tests give names their own answers (e.g. a rebinding DNS). */
@FunctionalInterface
interface Resolver {
  /** The JVM's resolver. */
  Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /**
   * @return at least one address
   * @throws UnknownHostException if the name does not resolve
   */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
