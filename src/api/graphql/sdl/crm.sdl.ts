/** Contacts and organizations, with GitLab's type names and fields. */
export const crmSdl = /* GraphQL */ `
  type CustomerRelationsContact {
    """
    Global id of the contact.
    """
    id: ID!
    """
    Organization of the contact.
    """
    organization: CustomerRelationsOrganization
    """
    First name of the contact.
    """
    firstName: String!
    """
    Last name of the contact.
    """
    lastName: String!
    """
    Phone number of the contact.
    """
    phone: String
    """
    Email address of the contact.
    """
    email: String
    """
    Description of or notes for the contact.
    """
    description: String
    """
    Timestamp the contact was created.
    """
    createdAt: Time!
    """
    Timestamp the contact was last updated.
    """
    updatedAt: Time!
    """
    State of the contact.
    """
    active: Boolean!
  }

  type CustomerRelationsContactEdge {
    """
    A cursor for use in pagination.
    """
    cursor: String!
    """
    The item at the end of the edge.
    """
    node: CustomerRelationsContact
  }

  """
  The connection type for CustomerRelationsContact.
  """
  type CustomerRelationsContactConnection {
    """
    A list of edges.
    """
    edges: [CustomerRelationsContactEdge]
    """
    A list of nodes.
    """
    nodes: [CustomerRelationsContact]
    """
    Information to aid in pagination.
    """
    pageInfo: PageInfo!
  }

  enum CustomerRelationsContactState {
    """
    All available contacts.
    """
    all
    """
    Active contacts.
    """
    active
    """
    Inactive contacts.
    """
    inactive
  }

  """
  Represents the total number of contacts for the represented states.
  """
  type ContactStateCounts {
    """
    Number of contacts with state ACTIVE.
    """
    active: Int
    """
    Number of contacts with state ALL.
    """
    all: Int
    """
    Number of contacts with state INACTIVE.
    """
    inactive: Int
  }

  type CustomerRelationsOrganization {
    """
    Global id of the organization.
    """
    id: ID!
    """
    Name of the organization.
    """
    name: String!
    """
    Standard billing rate for the organization.
    """
    defaultRate: Float
    """
    Description of or notes for the organization.
    """
    description: String
    """
    Timestamp the organization was created.
    """
    createdAt: Time!
    """
    Timestamp the organization was last updated.
    """
    updatedAt: Time!
    """
    State of the organization.
    """
    active: Boolean!
  }

  type CustomerRelationsOrganizationEdge {
    """
    A cursor for use in pagination.
    """
    cursor: String!
    """
    The item at the end of the edge.
    """
    node: CustomerRelationsOrganization
  }

  """
  The connection type for CustomerRelationsOrganization.
  """
  type CustomerRelationsOrganizationConnection {
    """
    A list of edges.
    """
    edges: [CustomerRelationsOrganizationEdge]
    """
    A list of nodes.
    """
    nodes: [CustomerRelationsOrganization]
    """
    Information to aid in pagination.
    """
    pageInfo: PageInfo!
  }

  enum CustomerRelationsOrganizationState {
    """
    Active organization.
    """
    active
    """
    Inactive organization.
    """
    inactive
  }
`;
