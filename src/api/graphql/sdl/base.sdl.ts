/** Scalars, paging and the two roots, named as in GitLab's GraphQL API. */
export const baseSdl = /* GraphQL */ `
  """
  Time represented in ISO 8601, like "2021-03-09T14:58:50+00:00".
  """
  scalar Time

  """
  A global id of a group, like "gid://gitlab/Group/1".
  """
  scalar GroupID

  """
  A global id of a customer relations contact, like "gid://gitlab/CustomerRelations::Contact/1".
  """
  scalar CustomerRelationsContactID

  """
  A global id of a customer relations organization, like
  "gid://gitlab/CustomerRelations::Organization/1".
  """
  scalar CustomerRelationsOrganizationID

  """
  Information about pagination in a connection.
  """
  type PageInfo {
    """
    When paginating forwards, the cursor to continue.
    """
    endCursor: String
    """
    When paginating forwards, are there more items?
    """
    hasNextPage: Boolean!
    """
    When paginating backwards, are there more items?
    """
    hasPreviousPage: Boolean!
    """
    When paginating backwards, the cursor to continue.
    """
    startCursor: String
  }

  type Query {
    """
    Find a group by its full path; null when it does not exist or is not visible.
    """
    group(
      """
      Full path of the group, like "gitlab-org/gitlab-foss".
      """
      fullPath: ID!
    ): Group
    """
    Find a project by its full path; null when it does not exist or is not visible.
    """
    project(
      """
      Full path of the project, like "gitlab-org/gitlab-foss".
      """
      fullPath: ID!
    ): Project
  }
`;
